"""Read functions with the permission scope built in: one module per entity."""
