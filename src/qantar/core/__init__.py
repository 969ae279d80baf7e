"""Pure-Python core of Qantar: no Django imports, typed, tested without a database."""
