"""Action plans and their themes: editing, import and export."""
