"""The portal's views, one module per area (company_*.py, consultant_*.py, …)."""
