"""The demo brand: a fictional cross-border electronics brand, written as native exports."""


def run_demo(**kwargs):  # replaced by the generator's orchestration
    from socialroi.demo.run import run_demo as _run

    return _run(**kwargs)
