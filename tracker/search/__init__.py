"""Search across actions, progress updates, forums and meetings."""
