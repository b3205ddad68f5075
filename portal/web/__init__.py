"""The portal's own pages for companies and consultants (server-rendered)."""
