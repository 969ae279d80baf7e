"""Users, collections and roles."""
