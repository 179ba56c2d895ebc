"""Signing in, users and roles, and who may do what."""
