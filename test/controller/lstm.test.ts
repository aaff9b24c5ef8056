// Tests of the fused LSTM op on the wasm backend: values and gradients equal the plain-ops
// autodiff reference, tensors do not leak. (lstm-cpu.test.ts repeats the check on cpu.)
import { lstmSuite } from './lstm-check';

lstmSuite('wasm');
