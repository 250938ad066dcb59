"""The app's pieces beside app.py: pure view helpers, per-server resources, the reader's session, the panels
around the map, the article panel (a small offline custom component) with its pure HTML and selection
helpers, and the map with its component arguments computed once per map."""
