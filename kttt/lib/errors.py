"""The one kind of error a user is meant to read."""


class Refusal(ValueError):
    """A write or a request refused by a rule of the domain; str() is a Vietnamese message
    for the person who made it. Services raise subclasses; pages and commands show them."""
