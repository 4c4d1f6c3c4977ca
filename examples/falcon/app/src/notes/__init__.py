"""A small Falcon API in a src/ layout."""
