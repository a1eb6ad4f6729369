"""kgbp: a knowledge-graph backed repository of service blueprints."""

__version__ = "0.1.0"
