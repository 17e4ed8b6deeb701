// Errors of the ONNX exporter. They extend the core's WgError (`e instanceof wg.WgError` holds, and the caller's
// line is appended), imported through the public entry so wgflow/onnx shares the core's classes.
import { WgError } from '../../index';

/**
 * The graph cannot be written as ONNX: an op without an exporter (the message names the op, the node and its
 * line), an argument form an exporter does not cover, a bad option (unknown key, opset out of range, names).
 */
export class OnnxExportError extends WgError {}
