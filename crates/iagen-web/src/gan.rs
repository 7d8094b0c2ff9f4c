//! The 2-D GAN in the page: always trained live (there are no shipped weights to open), with
//! the verbs `snapshot` (real and generated points, the discriminator's verdict over the plane,
//! the generator's mesh, the gradient D gives each generated point, coverage and divergence),
//! and `step_d`/`step_g` (one network's step alone, for the slow mode and the step buttons).

use burn::prelude::*;
use iagen_core::burnpack::{self, Precision};
use iagen_core::rng::Rng;
use iagen_gan::{
    Gan2dTraining, GanConfig, GanLoss, Networks, Optimiser, Target, coverage, js_divergence,
    points_tensor,
};
use js_sys::{Object, Promise};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::backend::{device, js_err, serde_wasm};
use crate::family::{Core, Family, ModelOf, Shared};
use crate::read;

/// Largest number of points one snapshot draws, and drawn target points kept.
const MAX_POINTS: usize = 4000;
/// Cells per side of the density grid the divergence is measured on.
const JS_BINS: usize = 32;
/// The half-width of the plane the page draws (the targets live in [-2, 2]²).
const PLANE: f32 = 2.5;
/// The mesh covers the noise in [-NOISE_SPAN, NOISE_SPAN] on its first two dimensions: where
/// N(0, 1) puts nearly all of it.
const NOISE_SPAN: f32 = 2.5;

pub struct Gan2d {
    config: GanConfig,
    target_name: String,
}

#[derive(Deserialize)]
pub struct Options {
    target: String,
    /// The user's points, for `target: "drawn"`.
    #[serde(default)]
    points: Vec<[f32; 2]>,
    glayers: usize,
    gwidth: usize,
    dlayers: usize,
    dwidth: usize,
    noise: usize,
    loss: String,
    gopt: String,
    dopt: String,
    glr: f64,
    dlr: f64,
    diters: usize,
    batch: usize,
    seed: u32,
}

#[derive(Serialize)]
struct Info {
    params: usize,
    g_params: usize,
    d_params: usize,
    steps: usize,
    noise: usize,
    target: String,
}

#[derive(Deserialize)]
struct SnapshotArgs {
    /// Points of each kind.
    n: usize,
    /// Cells per side of the discriminator's heat map.
    field: usize,
    /// Noise points per side of the generator's mesh.
    mesh: usize,
    /// Seeds the real points and the noise shown (the same seed: the same points to follow).
    seed: u32,
}

fn choice<T>(value: Option<T>, what: &str, name: &str) -> Result<T, JsError> {
    value.ok_or_else(|| js_err(format!("unknown {what} {name}")))
}

impl Family for Gan2d {
    // Two small MLPs on points.
    const GPU_PAYS: bool = false;
    type Training = Gan2dTraining;
    type Options = Options;

    fn pretrained(
        _manifest_json: &str,
        _weights: Vec<u8>,
        _device: &Device,
    ) -> Result<(Self, ModelOf<Self>), JsError> {
        Err(js_err(
            "the 2-D GAN has no shipped weights; it trains in the page",
        ))
    }

    fn untrained(
        options: Options,
        _data: Vec<u8>,
        device: &Device,
    ) -> Result<(Self, Gan2dTraining), JsError> {
        let mut points = options.points;
        points.truncate(MAX_POINTS);
        let target = choice(
            Target::from_name(&options.target, &points),
            "target",
            &options.target,
        )?;
        let config = GanConfig {
            g_layers: options.glayers.min(4),
            g_width: options.gwidth.clamp(2, 256),
            d_layers: options.dlayers.min(4),
            d_width: options.dwidth.clamp(2, 256),
            noise: options.noise.clamp(1, 16),
            loss: choice(GanLoss::from_name(&options.loss), "loss", &options.loss)?,
            g_opt: choice(
                Optimiser::from_name(&options.gopt),
                "optimiser",
                &options.gopt,
            )?,
            d_opt: choice(
                Optimiser::from_name(&options.dopt),
                "optimiser",
                &options.dopt,
            )?,
            g_lr: options.glr,
            d_lr: options.dlr,
            d_steps: options.diters.clamp(1, 10),
            batch: options.batch.clamp(1, 512),
            seed: options.seed as u64,
        };
        let training = Gan2dTraining::new(&config, target, device);
        let family = Gan2d {
            config,
            target_name: options.target,
        };
        Ok((family, training))
    }

    fn weights(model: &ModelOf<Self>) -> Result<Vec<u8>, String> {
        burnpack::to_bytes(model, Precision::Full)
    }

    fn load_weights(core: &Core<Self>, bytes: Vec<u8>) -> Result<ModelOf<Self>, JsError> {
        let shape = Networks::new(&core.family.config, &device()?);
        burnpack::load_bytes(shape, bytes).map_err(js_err)
    }

    fn step_flops(core: &Core<Self>) -> Option<f64> {
        let training = core.training().ok()?;
        Some(training.trainer.round_flops())
    }

    fn info(core: &Core<Self>) -> JsValue {
        let networks = core.model();
        let (g, d) = (networks.g.num_params(), networks.d.num_params());
        serde_wasm(&Info {
            params: g + d,
            g_params: g,
            d_params: d,
            steps: core.steps(),
            noise: core.family.config.noise,
            target: core.family.target_name.clone(),
        })
    }

    fn verb(
        core: Shared<Self>,
        name: &str,
        args: JsValue,
        _bytes: Option<Vec<u8>>,
    ) -> Result<Promise, JsError> {
        Ok(match name {
            "snapshot" => {
                let args = read::args(&args)?;
                read::promise(async move { snapshot(&core, args).await })
            }
            "step_d" | "step_g" => {
                let loss = {
                    let mut core = core.borrow_mut();
                    let training = core.training_mut()?;
                    if name == "step_d" {
                        training.trainer.step_d()
                    } else {
                        training.trainer.step_g()
                    }
                };
                read::promise(
                    async move { Ok(JsValue::from_f64(read::scalar(loss).await? as f64)) },
                )
            }
            _ => return Err(js_err(format!("the GAN has no verb {name}"))),
        })
    }
}

/// Evenly spaced points over [-half, half]² (`side` per side, row by row from the top).
fn lattice(side: usize, half: f32) -> Vec<[f32; 2]> {
    let step = 2.0 * half / (side.max(2) - 1) as f32;
    (0..side * side)
        .map(|k| {
            let (col, row) = ((k % side) as f32, (k / side) as f32);
            [-half + col * step, half - row * step]
        })
        .collect()
}

fn pairs(flat: &[f32]) -> Vec<[f32; 2]> {
    flat.chunks(2).map(|p| [p[0], p[1]]).collect()
}

/// Everything the plane shows now: `{real, fake, field, mesh, arrows}` as flat Float32Arrays
/// (points as x, y pairs; `field` is D's verdict in [0, 1] on a `field`×`field` lattice over the
/// plane, top row first; `mesh` is where G sends a `mesh`×`mesh` lattice of noise in its first
/// two dimensions, the others 0, or a line of `mesh` points for 1-D noise), `js` (bits) and
/// `coverage` (`{modes_hit, modes, within}`, or null for targets that are not mixtures).
async fn snapshot(core: &Shared<Gan2d>, args: SnapshotArgs) -> Result<JsValue, JsError> {
    let n = args.n.clamp(1, MAX_POINTS);
    let (field_side, mesh_side) = (args.field.clamp(2, 100), args.mesh.clamp(2, 60));
    let (real, fake, field, mesh, modes) = {
        let core = core.borrow();
        let trainer = &core.training()?.trainer;
        let config = trainer.config();
        let networks = trainer.networks();
        let device = networks.g.devices()[0].clone();
        let mut rng = Rng::new(args.seed as u64);
        let real = trainer.target().sample(&mut rng, n);
        let z = Tensor::<1>::from_floats(rng.normals(n * config.noise).as_slice(), &device)
            .reshape([n, config.noise]);
        let fake = networks.g.forward(z);
        let plane = lattice(field_side, PLANE);
        let field = config
            .loss
            .verdict(networks.d.forward(points_tensor(&plane, &device)));
        let noise_points: Vec<f32> = if config.noise == 1 {
            (0..mesh_side)
                .map(|k| -NOISE_SPAN + 2.0 * NOISE_SPAN * k as f32 / (mesh_side - 1) as f32)
                .collect()
        } else {
            lattice(mesh_side, NOISE_SPAN)
                .iter()
                .flat_map(|p| {
                    let mut z = vec![0.0; config.noise];
                    z[..2].copy_from_slice(p);
                    z
                })
                .collect()
        };
        let count = noise_points.len() / config.noise;
        let mesh = networks.g.forward(
            Tensor::<1>::from_floats(noise_points.as_slice(), &device)
                .reshape([count, config.noise]),
        );
        (real, fake, field, mesh, trainer.target().modes())
    };
    let fake = read::floats(fake).await?;
    let fake_points = pairs(&fake);
    // The gradients need the generated points on the host first (they become the leaves D is
    // differentiated at), so they are a second step.
    let arrows = core.borrow().training()?.trainer.d_gradients(&fake_points);
    let out: JsValue = Object::new().into();
    let real_flat: Vec<f32> = real.iter().flatten().copied().collect();
    read::set_floats(&out, "real", &real_flat)?;
    read::set_floats(&out, "fake", &fake)?;
    read::set_floats(&out, "field", &read::floats(field).await?)?;
    read::set_floats(&out, "mesh", &read::floats(mesh).await?)?;
    read::set_floats(&out, "arrows", &read::floats(arrows).await?)?;
    read::set_number(&out, "js", js_divergence(&real, &fake_points, JS_BINS))?;
    let coverage = modes.map(|(modes, sigma)| {
        // A mode is covered with a fifth of its fair share of the points.
        let c = coverage(&fake_points, &modes, sigma, (n / modes.len() / 5).max(1));
        #[derive(Serialize)]
        struct View {
            modes_hit: usize,
            modes: usize,
            within: f32,
        }
        View {
            modes_hit: c.modes_hit,
            modes: c.modes,
            within: c.within,
        }
    });
    js_sys::Reflect::set(&out, &"coverage".into(), &serde_wasm(&coverage))
        .map_err(|_| js_err("cannot build result"))?;
    Ok(out)
}
