//! The target distributions of the 2-D GAN, in the square [-2, 2]²: mixtures of Gaussians (a
//! ring of 8, a 5×5 grid), a spiral, two moons, a line, and points a user drew.

use iagen_core::rng::Rng;

/// Where the points of the plane are drawn.
pub const EXTENT: f32 = 2.0;

#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// Eight Gaussians on a circle: the classic test of mode coverage.
    Ring,
    /// Twenty-five Gaussians on a 5×5 grid.
    Grid,
    Spiral,
    Moons,
    Line,
    /// Points a user drew (each sample is one of them, slightly blurred).
    Drawn(Vec<[f32; 2]>),
}

const RING_RADIUS: f32 = 1.4;
const RING_SIGMA: f32 = 0.06;
const GRID_STEP: f32 = 0.75;
const GRID_SIGMA: f32 = 0.04;
const DRAWN_SIGMA: f32 = 0.03;

impl Target {
    /// The target named `name` (`ring`, `grid`, `spiral`, `moons`, `line`); `drawn` takes
    /// `points`, which must not be empty.
    pub fn from_name(name: &str, points: &[[f32; 2]]) -> Option<Self> {
        Some(match name {
            "ring" => Target::Ring,
            "grid" => Target::Grid,
            "spiral" => Target::Spiral,
            "moons" => Target::Moons,
            "line" => Target::Line,
            "drawn" if !points.is_empty() => Target::Drawn(points.to_vec()),
            _ => return None,
        })
    }

    /// The centres and the spread of a mixture's Gaussians (none for the other targets).
    pub fn modes(&self) -> Option<(Vec<[f32; 2]>, f32)> {
        match self {
            Target::Ring => Some((
                (0..8)
                    .map(|k| {
                        let a = std::f32::consts::TAU * k as f32 / 8.0;
                        [RING_RADIUS * a.cos(), RING_RADIUS * a.sin()]
                    })
                    .collect(),
                RING_SIGMA,
            )),
            Target::Grid => Some((
                (0..25)
                    .map(|k| {
                        let (i, j) = ((k % 5) as f32 - 2.0, (k / 5) as f32 - 2.0);
                        [i * GRID_STEP, j * GRID_STEP]
                    })
                    .collect(),
                GRID_SIGMA,
            )),
            _ => None,
        }
    }

    /// `n` points drawn from the target with `rng`.
    pub fn sample(&self, rng: &mut Rng, n: usize) -> Vec<[f32; 2]> {
        (0..n).map(|_| self.one(rng)).collect()
    }

    fn one(&self, rng: &mut Rng) -> [f32; 2] {
        let blur =
            |rng: &mut Rng, [x, y]: [f32; 2], s: f32| [x + s * rng.normal(), y + s * rng.normal()];
        match self {
            Target::Ring | Target::Grid => {
                let (modes, sigma) = self.modes().expect("a mixture");
                let centre = modes[rng.below(modes.len())];
                blur(rng, centre, sigma)
            }
            Target::Spiral => {
                let t = rng.next_f32();
                let (r, a) = (0.25 + 1.45 * t, 3.0 * std::f32::consts::PI * t);
                blur(rng, [r * a.cos(), r * a.sin()], 0.04)
            }
            Target::Moons => {
                let a = std::f32::consts::PI * rng.next_f32();
                let p = if rng.below(2) == 0 {
                    [a.cos() - 0.5, a.sin() - 0.25]
                } else {
                    [0.5 - a.cos(), 0.25 - a.sin()]
                };
                blur(rng, [1.2 * p[0], 1.2 * p[1]], 0.06)
            }
            Target::Line => {
                let t = 2.0 * rng.next_f32() - 1.0;
                blur(rng, [1.5 * t, 0.9 * t], 0.03)
            }
            Target::Drawn(points) => {
                let p = points[rng.below(points.len())];
                blur(rng, p, DRAWN_SIGMA)
            }
        }
    }
}
