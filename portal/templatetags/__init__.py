"""Template tags for the portal's pages."""
