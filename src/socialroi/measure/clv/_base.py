"""Shared machinery of the CLV fitters: input weights, optimisation, standard errors."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from socialroi.errors import SocialroiError
from socialroi.measure.clv._validation import CLVInputError, NotFittedError, as_array

__all__ = ["BaseFitter", "ConvergenceError", "check_weights"]

#: |log(parameter)| beyond which an estimate is reported as lying at the boundary (e^12 ~ 1.6e5).
_EDGE = 12.0


class ConvergenceError(SocialroiError, RuntimeError):
    """The maximum-likelihood optimiser did not converge."""


def check_weights(weights, n: int) -> np.ndarray:
    """Return per-row weights as floats: ones if ``weights`` is None, else checked copies."""
    if weights is None:
        return np.ones(n)
    w = as_array(weights, "weights")
    if w.ndim == 0 or w.shape[0] != n:
        got = "a scalar" if w.ndim == 0 else f"length {w.shape[0]}"
        raise CLVInputError(f"weights must have one value per row ({n}), got {got}")
    if w.sum() <= 0:
        raise CLVInputError("weights must not all be zero")
    return w


class BaseFitter:
    """Common behaviour: fitted-state checks, the optimiser and parameter summaries.

    Subclasses set ``_param_names`` and call :meth:`_minimise` from ``fit``.
    """

    _param_names: tuple[str, ...] = ()

    def __init__(self, penalizer_coef: float = 0.0) -> None:
        if not np.isfinite(penalizer_coef) or penalizer_coef < 0:
            raise CLVInputError(f"penalizer_coef must be >= 0, got {penalizer_coef!r}")
        self.penalizer_coef = float(penalizer_coef)

    def __repr__(self) -> str:
        name = type(self).__name__
        if not hasattr(self, "params_"):
            return f"<{name}: not fitted>"
        shown = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
        return f"<{name}: fitted on {self.n_customers_:g} customers, {shown}>"

    def _check_fitted(self) -> None:
        if not hasattr(self, "params_"):
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet: call fit(...) first, "
                "then ask for predictions."
            )

    def _unload_params(self, *names: str) -> list[float]:
        self._check_fitted()
        return [float(self.params_[n]) for n in names]

    def _minimise(self, objective, args, initial_params, tol, maxiter=5000):
        """Minimise ``objective(log_params, *args) -> (value, grad)``; return the result."""
        k = len(self._param_names)
        if initial_params is None:
            x0 = np.full(k, 0.1)
        else:
            x0 = np.log(as_array(initial_params, "initial_params", allow_zero=False))
            if x0.shape != (k,):
                raise CLVInputError(f"initial_params must hold {k} values {self._param_names}")
        # BFGS on the log-parameters: unconstrained, and (unlike L-BFGS-B, whose tiny BLAS
        # calls are slow when OpenBLAS threads compete for the CPU) pure numpy for 3-4 params.
        bfgs = {"method": "BFGS", "options": {"gtol": tol, "maxiter": maxiter}}
        lbfgsb = {"method": "L-BFGS-B", "options": {"ftol": tol * 1e-7, "gtol": tol}}
        result = minimize(objective, x0, args=args, jac=True, **bfgs)
        # Both often stop with a line-search / precision-loss message when already at the
        # optimum to machine precision: accept a small gradient, otherwise restart (which
        # resets the curvature estimate), first with L-BFGS-B, then with BFGS again.
        limit = max(1e-4, 1e3 * tol)
        for method in (lbfgsb, bfgs):
            if result.success or np.max(np.abs(result.jac)) <= limit:
                break
            result = minimize(objective, result.x, args=args, jac=True, **method)
        if not (result.success or np.max(np.abs(result.jac)) <= limit) or not np.isfinite(
            result.fun
        ):
            raise ConvergenceError(
                f"{type(self).__name__} did not converge ({result.message}). Check the input, "
                "or try penalizer_coef > 0 or different initial_params."
            )
        extreme = [n for n, v in zip(self._param_names, result.x) if abs(v) > _EDGE]
        if extreme:
            warnings.warn(
                f"{type(self).__name__}: the estimate of {', '.join(extreme)} is at the edge of "
                "the parameter space (the likelihood keeps rising towards a limiting model); the "
                "data identify the model poorly. Predictions remain usable; penalizer_coef > 0 "
                "keeps parameters finite.",
                RuntimeWarning,
                stacklevel=3,
            )
        return result

    def _hessian(self, objective, log_params, args, step=1e-5) -> np.ndarray:
        """Hessian of the mean negative log-likelihood in log-parameters (central differences
        of the analytic gradient)."""
        k = log_params.shape[0]
        hess = np.empty((k, k))
        for i in range(k):
            e = np.zeros(k)
            e[i] = step
            hess[i] = (
                objective(log_params + e, *args)[1] - objective(log_params - e, *args)[1]
            ) / (2 * step)
        return (hess + hess.T) / 2

    def _set_uncertainty(self, hessian: np.ndarray) -> None:
        """Set ``variance_matrix_``, ``standard_errors_`` and ``confidence_intervals_``."""
        params = self.params_.to_numpy()
        try:
            inv = np.linalg.inv(hessian)
        except np.linalg.LinAlgError:
            inv = np.full_like(hessian, np.nan)
        cov = np.outer(params, params) * inv / self.n_customers_
        names = list(self._param_names)
        self.variance_matrix_ = pd.DataFrame(cov, index=names, columns=names)
        with np.errstate(invalid="ignore"):
            self.standard_errors_ = pd.Series(np.sqrt(np.diag(cov)), index=names)
        self.confidence_intervals_ = pd.DataFrame(
            {
                "lower 95% bound": self.params_ - 1.96 * self.standard_errors_,
                "upper 95% bound": self.params_ + 1.96 * self.standard_errors_,
            }
        )

    @property
    def summary(self) -> pd.DataFrame:
        """Fitted parameters with standard errors and 95% confidence bounds."""
        self._check_fitted()
        out = pd.DataFrame({"coef": self.params_, "se(coef)": self.standard_errors_})
        return out.join(self.confidence_intervals_)
