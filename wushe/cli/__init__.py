"""The ``wushe`` command line (typer + rich). Each command module imports heavy code lazily."""
