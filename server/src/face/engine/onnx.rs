//! Loading a pinned ONNX file into a runnable tract plan.
//!
//! Both models ship block-quantized weights (`DequantizeLinear` with a
//! `block_size`, opset 21), which tract 0.23 cannot parse. Their inputs are
//! all constants, so the loader folds each such node into a FLOAT initializer
//! before tract ever sees the graph.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use sha2::{Digest, Sha256};
use tract_onnx::pb::tensor_proto::DataType;
use tract_onnx::pb::{GraphProto, ModelProto, NodeProto, TensorProto};
use tract_onnx::prelude::*;

use super::LoadError;

/// A model ready to run; `SimplePlan::run` keeps its state per call, so one
/// plan serves several threads at once.
pub(super) type Plan = Arc<TypedRunnableModel>;

/// A loaded plan and the position of each named output in its result.
pub(super) struct Loaded {
    pub plan: Plan,
    pub outputs: Vec<String>,
}

/// Reads `path`, checks it is the pinned file, repairs the graph and builds a
/// plan for a float input of `input_shape`.
pub(super) fn load(path: &Path, sha256: &str, input_shape: &[usize]) -> Result<Loaded, LoadError> {
    let invalid = |reason: String| LoadError::Invalid { file: path.to_path_buf(), reason };
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => LoadError::Missing(path.to_path_buf()),
        _ => invalid(format!("it cannot be read ({e})")),
    })?;
    let actual = hex::encode(Sha256::digest(&bytes));
    if actual != sha256 {
        return Err(invalid(format!(
            "its SHA-256 is {actual} instead of {sha256}; it is damaged or another model, \
             download it again"
        )));
    }
    let onnx = tract_onnx::onnx();
    let mut proto = onnx
        .proto_model_for_read(&mut bytes.as_slice())
        .map_err(|e| invalid(format!("it is not a readable ONNX model ({e})")))?;
    drop(bytes);
    let graph = proto.graph.as_mut().ok_or_else(|| invalid("it holds no graph".into()))?;
    fold_constant_dequantize(graph).map_err(invalid)?;
    prune_unused(graph);
    let outputs = graph.output.iter().map(|o| o.name.clone()).collect();
    let plan = build_plan(&onnx, proto, input_shape)
        .map_err(|e| invalid(format!("tract cannot run it ({e:#})")))?;
    Ok(Loaded { plan, outputs })
}

fn build_plan(
    onnx: &tract_onnx::Onnx,
    proto: ModelProto,
    input_shape: &[usize],
) -> TractResult<Plan> {
    let model = onnx.model_for_proto_model(&proto)?;
    // tract holds its own copy of every weight now; the protobuf's would only
    // raise the peak memory of the optimisation below.
    drop(proto);
    model
        .with_input_fact(0, f32::fact(input_shape.iter().copied()).into())?
        .into_optimized()?
        .into_runnable()
}

/// Runs `plan` on one float tensor and returns every output, flattened in
/// logical (row-major) order.
pub(super) fn run(plan: &Plan, shape: &[usize], data: &[f32]) -> TractResult<Vec<Vec<f32>>> {
    let input = Tensor::from_shape(shape, data)?;
    let outputs = plan.run(tvec!(input.into()))?;
    outputs.iter().map(|t| Ok(t.to_plain_array_view::<f32>()?.iter().copied().collect())).collect()
}

/// Replaces every `DequantizeLinear` whose inputs are all initializers by the
/// FLOAT initializer it would compute.
fn fold_constant_dequantize(graph: &mut GraphProto) -> Result<(), String> {
    let mut kept = Vec::with_capacity(graph.node.len());
    let mut folded = Vec::new();
    for node in std::mem::take(&mut graph.node) {
        let constant = node.op_type == "DequantizeLinear"
            && node.input.iter().all(|i| i.is_empty() || initializer(graph, i).is_some());
        if constant {
            folded.push(dequantize(graph, &node)?);
        } else {
            kept.push(node);
        }
    }
    graph.node = kept;
    graph.initializer.extend(folded);
    Ok(())
}

fn initializer<'a>(graph: &'a GraphProto, name: &str) -> Option<&'a TensorProto> {
    graph.initializer.iter().find(|t| t.name == name)
}

fn dequantize(graph: &GraphProto, node: &NodeProto) -> Result<TensorProto, String> {
    let what = |msg: &str| format!("the weight {} {msg}", node.output.first().map_or("", |s| s));
    let input = |ix: usize| {
        node.input.get(ix).filter(|name| !name.is_empty()).and_then(|name| initializer(graph, name))
    };
    let quantized = input(0).ok_or_else(|| what("has no quantized data"))?;
    let scales = input(1).ok_or_else(|| what("has no scales"))?;
    let values = integer_values(quantized).ok_or_else(|| what("has unreadable quantized data"))?;
    let scale_values = float_values(scales).ok_or_else(|| what("has unreadable scales"))?;
    let zero_points = match input(2) {
        Some(zp) => integer_values(zp).ok_or_else(|| what("has unreadable zero points"))?,
        None => vec![0; scale_values.len()],
    };
    if zero_points.len() != scale_values.len() {
        return Err(what("has as many zero points as scales"));
    }
    let dims = shape_of(quantized).ok_or_else(|| what("has a bad shape"))?;
    let scale_dims = shape_of(scales).ok_or_else(|| what("has a bad scale shape"))?;
    let attr = |name: &str, default: i64| {
        node.attribute.iter().find(|a| a.name == name).map_or(default, |a| a.i)
    };
    let rank = dims.len() as i64;
    let axis = attr("axis", 1);
    let axis = if axis < 0 { axis + rank } else { axis };
    let block = attr("block_size", 0);
    let index = ScaleIndex::new(&dims, &scale_dims, axis, block)
        .ok_or_else(|| what("has scales that do not fit its shape"))?;
    let mut raw = Vec::with_capacity(values.len() * 4);
    for (flat, &q) in values.iter().enumerate() {
        let s = index.of(flat);
        let (scale, zp) = match (scale_values.get(s), zero_points.get(s)) {
            (Some(&scale), Some(&zp)) => (scale, zp),
            _ => return Err(what("has scales that do not fit its shape")),
        };
        raw.extend_from_slice(&(((q - zp) as f32) * scale).to_le_bytes());
    }
    Ok(TensorProto {
        name: node.output.first().cloned().unwrap_or_default(),
        dims: quantized.dims.clone(),
        data_type: DataType::Float as i32,
        raw_data: raw,
        ..TensorProto::default()
    })
}

/// Maps a flat element index of the quantized tensor to the flat index of
/// its scale: per tensor (one scale), per axis (`block` 0) or per block
/// along `axis`.
struct ScaleIndex {
    /// Elements between two steps along `axis` (product of the later dims).
    inner: usize,
    axis_len: usize,
    /// Scale entries spanned by one step of the dims before `axis`.
    scale_axis_len: usize,
    block: usize,
    per_tensor: bool,
    per_axis: bool,
}

impl ScaleIndex {
    fn new(dims: &[usize], scale_dims: &[usize], axis: i64, block: i64) -> Option<ScaleIndex> {
        let scale_count: usize = scale_dims.iter().product();
        if scale_count == 1 {
            return Some(ScaleIndex {
                inner: 1,
                axis_len: 1,
                scale_axis_len: 1,
                block: 1,
                per_tensor: true,
                per_axis: false,
            });
        }
        let axis = usize::try_from(axis).ok().filter(|&a| a < dims.len())?;
        let axis_len = dims[axis];
        let inner = dims[axis + 1..].iter().product();
        if block <= 0 {
            // Per-axis scales: one per position along `axis`.
            return (scale_count == axis_len).then_some(ScaleIndex {
                inner,
                axis_len,
                scale_axis_len: axis_len,
                block: 1,
                per_tensor: false,
                per_axis: true,
            });
        }
        let block = usize::try_from(block).ok()?;
        let blocks = axis_len.div_ceil(block);
        let expected: Vec<usize> =
            dims.iter().enumerate().map(|(i, &d)| if i == axis { blocks } else { d }).collect();
        (scale_dims == expected.as_slice()).then_some(ScaleIndex {
            inner,
            axis_len,
            scale_axis_len: blocks,
            block,
            per_tensor: false,
            per_axis: false,
        })
    }

    fn of(&self, flat: usize) -> usize {
        if self.per_tensor {
            return 0;
        }
        let inner_ix = flat % self.inner;
        let along = (flat / self.inner) % self.axis_len;
        if self.per_axis {
            return along;
        }
        let outer = flat / (self.inner * self.axis_len);
        (outer * self.scale_axis_len + along / self.block) * self.inner + inner_ix
    }
}

fn shape_of(t: &TensorProto) -> Option<Vec<usize>> {
    t.dims.iter().map(|&d| usize::try_from(d).ok()).collect()
}

fn element_count(t: &TensorProto) -> Option<usize> {
    shape_of(t).map(|d| d.iter().product())
}

fn integer_values(t: &TensorProto) -> Option<Vec<i32>> {
    let count = element_count(t)?;
    let signed = match DataType::try_from(t.data_type).ok()? {
        DataType::Int8 => true,
        DataType::Uint8 => false,
        _ => return None,
    };
    let values: Vec<i32> = if !t.raw_data.is_empty() {
        t.raw_data.iter().map(|&b| if signed { i32::from(b as i8) } else { i32::from(b) }).collect()
    } else {
        t.int32_data.clone()
    };
    (values.len() == count).then_some(values)
}

fn float_values(t: &TensorProto) -> Option<Vec<f32>> {
    let count = element_count(t)?;
    if DataType::try_from(t.data_type).ok()? != DataType::Float {
        return None;
    }
    let values: Vec<f32> = if !t.raw_data.is_empty() {
        t.raw_data.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
    } else {
        t.float_data.clone()
    };
    (values.len() == count && values.iter().all(|v| v.is_finite())).then_some(values)
}

/// Drops graph inputs and initializers no node reads. SFace declares its
/// original weights as graph inputs although the nodes read the
/// dequantized copies; tract would otherwise wait for them to be fed.
fn prune_unused(graph: &mut GraphProto) {
    let used: HashSet<String> = graph
        .node
        .iter()
        .flat_map(|n| n.input.iter().cloned())
        .chain(graph.output.iter().map(|o| o.name.clone()))
        .collect();
    graph.input.retain(|i| used.contains(&i.name));
    graph.initializer.retain(|t| used.contains(&t.name));
}

#[cfg(test)]
mod tests {
    use super::*;
    use tract_onnx::pb::AttributeProto;

    fn int8(name: &str, dims: &[i64], values: &[i8]) -> TensorProto {
        TensorProto {
            name: name.into(),
            dims: dims.to_vec(),
            data_type: DataType::Int8 as i32,
            raw_data: values.iter().map(|&v| v as u8).collect(),
            ..TensorProto::default()
        }
    }

    fn float(name: &str, dims: &[i64], values: &[f32]) -> TensorProto {
        TensorProto {
            name: name.into(),
            dims: dims.to_vec(),
            data_type: DataType::Float as i32,
            float_data: values.to_vec(),
            ..TensorProto::default()
        }
    }

    fn graph_with(
        q: TensorProto,
        s: TensorProto,
        zp: TensorProto,
        axis: i64,
        block: i64,
    ) -> GraphProto {
        let attr = |name: &str, i| AttributeProto { name: name.into(), i, ..Default::default() };
        GraphProto {
            node: vec![NodeProto {
                op_type: "DequantizeLinear".into(),
                input: vec![q.name.clone(), s.name.clone(), zp.name.clone()],
                output: vec!["w".into()],
                attribute: vec![attr("axis", axis), attr("block_size", block)],
                ..Default::default()
            }],
            initializer: vec![q, s, zp],
            ..Default::default()
        }
    }

    fn folded(mut graph: GraphProto) -> Vec<f32> {
        fold_constant_dequantize(&mut graph).unwrap();
        assert!(graph.node.is_empty());
        let w = initializer(&graph, "w").unwrap();
        assert_eq!(w.data_type, DataType::Float as i32);
        float_values(w).unwrap()
    }

    #[test]
    fn blocks_along_the_last_axis_use_their_own_scale_and_zero_point() {
        // Two rows of five, blocks of two: the last block is short.
        let q = int8("q", &[2, 5], &[1, 2, 3, 4, 5, -1, -2, -3, -4, -5]);
        let s = float("s", &[2, 3], &[1.0, 10.0, 100.0, 0.5, 2.0, 4.0]);
        let zp = int8("z", &[2, 3], &[0, 1, 2, 0, -1, 1]);
        let got = folded(graph_with(q, s, zp, 1, 2));
        let want = [1.0, 2.0, 20.0, 30.0, 300.0, -0.5, -1.0, -4.0, -6.0, -24.0];
        assert_eq!(got, want);
    }

    #[test]
    fn blocks_of_a_vector_and_per_tensor_scales() {
        let q = int8("q", &[4], &[2, 4, 6, 8]);
        let got = folded(graph_with(
            q.clone(),
            float("s", &[2], &[0.5, 2.0]),
            int8("z", &[2], &[0, 2]),
            0,
            2,
        ));
        assert_eq!(got, [1.0, 2.0, 8.0, 12.0]);
        let got = folded(graph_with(q, float("s", &[], &[3.0]), int8("z", &[], &[1]), 0, 0));
        assert_eq!(got, [3.0, 9.0, 15.0, 21.0]);
    }

    #[test]
    fn scales_that_do_not_fit_are_an_error() {
        let q = int8("q", &[2, 5], &[0; 10]);
        let graph =
            graph_with(q, float("s", &[2, 2], &[1.0; 4]), int8("z", &[2, 2], &[0; 4]), 1, 2);
        let mut graph = graph;
        assert!(fold_constant_dequantize(&mut graph).is_err());
    }
}
