"""Email reminders to action owners, the outbox and the scheduler."""
