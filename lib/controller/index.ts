// Public surface of the DNAS/NAO controller (encoder–predictor–decoder, latent steps).
// Re-exports only; search code imports from here, never from the model internals.
export { DNAS_EQ5_OBJECTIVE, DNAS_LOSS_WEIGHTS, resolveConfig, standardVaeObjective, textbookBeta, type CapacitySchedule, type ControllerConfig, type ControllerOptions, type LossWeights, type TokenGrammar } from './config';
export { Controller, createController, type ControllerData, type ControllerTrainingState, type EpochLoss, type Normalisation, type Prediction, type TrainOptions } from './controller';
export { growingLatentSearch, latentStep, type GrowingStepOptions, type GrowingStepResult, type LatentStepSizes } from './latent-step';
export { packSequences, pretrainController, type CurvePoint, type PackedSequences, type PretrainOptions, type PretrainRun, type PretrainSchedule } from './pretrain';
