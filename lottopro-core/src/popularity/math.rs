//! The numerics the model needs: the number weights with their elementary
//! symmetric polynomials, the logistic link, and Cholesky.

use ndarray::{Array1, Array2};

use super::MAX_PICKS;

/// Number weights: `γ_n`, `w_n = exp(γ_n)` (index 0 unused), and their
/// symmetric polynomials over the whole pool.
#[derive(Debug, Clone)]
pub(super) struct Weights {
    pub(super) gamma: Vec<f64>,
    pub(super) w: Vec<f64>,
    pub(super) e_all: [f64; MAX_PICKS + 1],
    /// `e_k(w)`: the normaliser of `Π w`.
    pub(super) z: f64,
}

impl Weights {
    pub(super) fn new(gamma: Vec<f64>, picks: u8) -> Weights {
        let w: Vec<f64> = gamma.iter().map(|g| g.exp()).collect();
        let e_all = esym(w[1..].iter().copied(), usize::from(picks));
        Weights {
            z: e_all[usize::from(picks)],
            gamma,
            w,
            e_all,
        }
    }
}

/// `e_0..e_max` of the weights (entries past `max` stay 0).
pub(super) fn esym(weights: impl Iterator<Item = f64>, max: usize) -> [f64; MAX_PICKS + 1] {
    let mut e = [0.0; MAX_PICKS + 1];
    e[0] = 1.0;
    for w in weights {
        for j in (1..=max.min(MAX_PICKS)).rev() {
            e[j] += e[j - 1] * w;
        }
    }
    e
}

/// The symmetric polynomials of a set with one weight `w` removed.
pub(super) fn without(e: &[f64; MAX_PICKS + 1], w: f64) -> [f64; MAX_PICKS + 1] {
    let mut out = [0.0; MAX_PICKS + 1];
    out[0] = 1.0;
    for j in 1..=MAX_PICKS {
        out[j] = e[j] - w * out[j - 1];
    }
    out
}

pub(super) fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-300, 1.0 - 1e-12);
    (p / (1.0 - p)).ln()
}

pub(super) fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The lower Cholesky factor `L` of a symmetric positive definite `a`
/// (`a = L Lᵀ`; the upper triangle is left as it was); `None` if `a` is
/// not positive definite.
pub(super) fn cholesky(mut a: Array2<f64>) -> Option<Array2<f64>> {
    let n = a.nrows();
    for j in 0..n {
        let mut d = a[[j, j]];
        for k in 0..j {
            d -= a[[j, k]] * a[[j, k]];
        }
        if d.is_nan() || d <= 0.0 {
            return None;
        }
        let d = d.sqrt();
        a[[j, j]] = d;
        for i in j + 1..n {
            let mut s = a[[i, j]];
            for k in 0..j {
                s -= a[[i, k]] * a[[j, k]];
            }
            a[[i, j]] = s / d;
        }
    }
    Some(a)
}

/// Solves `a · x = b` for a symmetric positive definite `a` (Cholesky).
pub(super) fn solve_spd(a: Array2<f64>, b: Array1<f64>) -> Option<Array1<f64>> {
    let n = b.len();
    let a = cholesky(a)?;
    let mut y = b;
    for i in 0..n {
        let mut s = y[i];
        for k in 0..i {
            s -= a[[i, k]] * y[k];
        }
        y[i] = s / a[[i, i]];
    }
    for i in (0..n).rev() {
        let mut s = y[i];
        for k in i + 1..n {
            s -= a[[k, i]] * y[k];
        }
        y[i] = s / a[[i, i]];
    }
    Some(y)
}

/// A standard normal draw (Box–Muller).
pub(super) fn standard_normal(rng: &mut crate::rng::LottoRng) -> f64 {
    use rand::RngExt;
    let (u, v): (f64, f64) = (rng.random::<f64>().max(1e-300), rng.random());
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// A Poisson count with mean `lambda`: by inversion when small, else its
/// normal approximation (rounded, at least 0).
pub(super) fn poisson(lambda: f64, rng: &mut crate::rng::LottoRng) -> f64 {
    use rand::RngExt;
    if lambda < 30.0 {
        let limit = (-lambda).exp();
        let (mut k, mut p) = (0.0, rng.random::<f64>());
        while p > limit {
            k += 1.0;
            p *= rng.random::<f64>();
        }
        return k;
    }
    (lambda + lambda.sqrt() * standard_normal(rng))
        .round()
        .max(0.0)
}
