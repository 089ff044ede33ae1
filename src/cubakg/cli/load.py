"""Placeholder module registering no command yet; its issue owns it."""
