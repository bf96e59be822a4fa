"""The spider's discovery channels, one module each, each with its own state and errors."""
