"""upload stage."""
