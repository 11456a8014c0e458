// onnxruntime-node with its telemetry off. ORT 1.30 starts Microsoft's 1DS telemetry client
// with the first session (and leaves /tmp/mat-debug-<pid>.log behind); vharness sends no
// traffic anywhere and leaves no files, so every use of ORT goes through this module.
// The variable is read when ORT's environment is created (first session), not at import.
import ort from 'onnxruntime-node';

process.env.ORT_DISABLE_TELEMETRY ??= '1';

export default ort;
