"""Admin screens: users and organisation settings."""
