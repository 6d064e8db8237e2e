"""The integration pipeline runtime: static code, configured by config/pipeline.yaml."""

from .config import ConfigError, PipelineConfig, load_config
from .pipeline import Pipeline, RunSummary, run

__all__ = ["ConfigError", "Pipeline", "PipelineConfig", "RunSummary", "load_config", "run"]
