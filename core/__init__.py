"""The ground floor: pieces every app builds on. Nothing here imports a domain app."""
