"""``newscrawler`` commands that live in a module of their own; ``cli.py`` wires them."""
