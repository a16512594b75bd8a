"""compgraph's web server and command line: thin layers over engine.analyze."""
