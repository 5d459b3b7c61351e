"""Dashboard rules and computations over what the loaded modules contribute."""
