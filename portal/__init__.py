"""The web portal, a front door: the pages for companies and consultants, their live updates
over websockets, and the Django admin. It translates requests into calls of the domain."""
