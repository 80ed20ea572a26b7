"""The demo brand: a fictional cross-border electronics brand, written as native exports."""

from socialroi.demo.run import run_demo

__all__ = ["run_demo"]
