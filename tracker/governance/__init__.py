"""Governance forums, their members and meetings."""
