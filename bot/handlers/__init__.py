"""Conversation handlers: one module per conversation; `register` wires them in order."""
