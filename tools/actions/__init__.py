"""Mutating AWS actions; they run only through the approval executor."""
