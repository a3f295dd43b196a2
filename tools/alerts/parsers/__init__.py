"""Parsers: each turns one sender's payload into ``Alert`` objects (or refuses it, saying why)."""
