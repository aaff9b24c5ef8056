// Tests of the fused LSTM op on the cpu backend (the dataSync path): values and gradients equal the plain-ops
// autodiff reference, tensors do not leak. (lstm.test.ts runs the same checks on wasm.)
import { lstmSuite } from './lstm-check';

lstmSuite('cpu');
