// The workbook's one public entry point: notebooks and users import from here (`./lib`).
// Re-exports only; no logic lives in this file.

export { Rng, type Seed } from './random';
export { initBackend, currentBackend, BACKENDS, BACKEND_ENV, type BackendName, type BackendChoice } from './backend';

// Spaces
export type { SearchSpace } from './spaces/search-space';
export {
  OPS,
  INNER_OPS,
  MAX_VERTICES,
  MAX_EDGES,
  InvalidCellError,
  validateCell,
  isValidCell,
  pruneCell,
  countEdges,
  type Op,
  type InnerOp,
  type Cell,
  type PrunedCell,
} from './spaces/nasbench101/cell';
export { hashCell, benchmarkLabelling } from './spaces/nasbench101/graph';
export { loadNasbench101Space, type Nasbench101Space } from './spaces/nasbench101/space';
export { sampleUniformCell, sampleRandomSpec, mutateCell } from './spaces/nasbench101/sample';
export { networkParams, networkFlops, networkFlopsM, cellParams, cellFlops, NASBENCH101_NETWORK, type FlopsConvention } from './spaces/nasbench101/cost';
export { encodeCell, decodeTokens, allowedNextTokens, SEQUENCE_LENGTH, VOCAB_SIZE } from './spaces/nasbench101/encoding';
export { nasbench101SearchSpace } from './spaces/nasbench101/search-space';
export { NB201_OPS, NB201_EDGES, parseNb201Cell, formatNb201Cell, nb201Cell, isDegenerateNb201Cell, InvalidNb201CellError, type Nb201Cell, type Nb201Op } from './spaces/nasbench201/cell';
export { NB201_DATASETS, networkParams as nb201NetworkParams, networkFlopsM as nb201NetworkFlopsM, type Nb201Dataset } from './spaces/nasbench201/cost';
export { encodeNb201Cell, decodeNb201Tokens, NB201_SEQUENCE_LENGTH, NB201_VOCAB_SIZE } from './spaces/nasbench201/encoding';
export { nasbench201SearchSpace, NB201_SIZE } from './spaces/nasbench201/search-space';
export { NB201_EDGE_CHOICES, type EdgeChoiceSpace } from './spaces/nasbench201/edge-choices';
export { nb201CellAttributes, NB201_EDGE_ATTRIBUTE_NAMES, NB201_ATTRIBUTE_NAMES, NB201_PRIMARY_ATTRIBUTE_NAMES, type Nb201CellAttributes } from './spaces/nasbench201/attributes';
export { cellAttributes, vertexLevels, CELL_ATTRIBUTE_NAMES, CELL_PRIMARY_ATTRIBUTE_NAMES, type CellAttributes, type PositionOp } from './spaces/nasbench101/attributes';

// Benchmarks
export { TabularBenchmark, type BenchmarkRecord, type QueryOutcome, type RecordTable } from './benchmarks/tabular';
export { loadNasbench101Complete, NASBENCH101_COMPLETE_CSV, type Nasbench101CompleteTable } from './benchmarks/nasbench101-complete';
export { BudgetExceededError, OutOfDomainError, DataFileError } from './benchmarks/errors';
export { resolveDataFile, DATA_DIR_ENV } from './benchmarks/data-folder';
export { loadNasbench101CellList, type Nasbench101CellLine } from './benchmarks/nasbench101-jsonl';
export { loadNasbench101Csv, type Nasbench101CsvRecord } from './benchmarks/nasbench101-csv';
export { loadNasbench201Csv, nasbench201CsvPath, type Nasbench201CsvRecord, type Nasbench201CsvData } from './benchmarks/nasbench201-csv';
export { readNasbench101TfRecord, writeNasbench101TfRecord } from './benchmarks/nasbench101-tfrecord';
export { loadNasbench101Benchmark, loadNasbench101TfRecordBenchmark, nasbench101Key, type Nasbench101Query } from './benchmarks/nasbench101';

// Analysis
export { summarize, topFractionThreshold, percentileRank, histogram, type Summary } from './analysis/stats';
export { checkHashes, checkParams, checkFlops, type CheckResult } from './analysis/space-checks';
export { describeCell, spaceStats, TOP_FRACTIONS, type CellDescription, type SpaceStats } from './analysis/space-stats';

// Report
export { QueryLog } from './report/query-log';
export { showFigure, figureHtml, type PlotlyFigure } from './report/plot';
export { explorerData, explorerModel, explorerPageName, saveExplorerPage, showLatentExplorer, topTableBases } from './report/explorer/latent-explorer';
export { showTable } from './report/table';
export { accuracyHistogramFigure, paramsAccuracyFigure, flopsAgreementFigure, valTestFigure } from './report/figures/space';
export { startRun, currentRun, type RunContext, type Scale } from './report/run-context';
export { listResults, listExperiments, listNotebooks, loadSearchRuns, summarizeRuns, compareExperiments, listNotebookRuns, RUN_COLUMNS, SUMMARY_COLUMNS, NOTEBOOK_RUN_COLUMNS, type ResultsOptions, type ResultsListing, type ExperimentInfo, type SearchConfigInfo, type NotebookInfo, type SearchRuns, type UnfinishedSeed } from './report/results-store';

// Controller, samplers, search and experiments
export { createController, Controller, latentStep, growingLatentSearch, type ControllerOptions } from './controller/index';
export { promisingRegion, sampleFromRegion, inRegion, type PromisingRegion } from './samplers/promising-region';
export { denseSample, NASBENCH101_DENSE, type DenseProbabilities } from './samplers/dense';
export { runSearch, SearchSession, type SearchResult, type SearchAlgorithm } from './search/search';
export { createAlgorithm, ALGORITHMS } from './search/algorithms';
export { localSearch, LOCAL_SEARCH_DEFAULTS, type LocalSearchOptions } from './search/local-search';
export { bananasSearch, BANANAS_DEFAULTS, type BananasOptions } from './search/bananas';
export { trainMlpEnsemble, oneHotFeatures, MLP_ENSEMBLE_DEFAULTS, type MlpEnsemble, type MlpEnsembleOptions } from './search/mlp-ensemble';
export { controllerSearch, splitBudget, CONTROLLER_SEARCH_PRESETS, type ControllerSearchOptions } from './search/controller-search';
export { ArchitectureWeights } from './search/architecture-weights';
export { gradientSearch, type GradientSearchOptions, type GradientSearchData, type GradientSearchResult, type ArchitectureSnapshot, type PathSampler, type EdgeScaledNet } from './search/gradient-nas';
export { runSeeds, type RunProgress } from './experiments/runner';
export { startProgress, type Progress } from './report/progress';
export { loadProblem, loadNasbench201Problem, PROBLEM_NAMES, NB201_PROBLEMS, type SearchProblem } from './experiments/problems';
export { runGrid, runGrids, gridJobOrder, table1Grid, table1SampleGrid, table1Nb201Grid, TABLE1_METHODS, MODERN_BASELINES, VERDICT_BUDGETS, NB201_EVOLUTION_OPTIONS, NB201_TABLE1_BUDGETS, table3Grid, TABLE1_PAPER, TABLE3_PAPER, SMOKE_CONTROLLER_OPTIONS, SMOKE_LATENT_OPTIONS, LATENT_MODEL_ALGOS, DNAS_VARIANTS, type GridConfig, type GridRun, type GridPart } from './experiments/grid';
export { notebookGrid, notebookSeeds, NOTEBOOK_GRIDS } from './experiments/notebook-grids';
export { runGridOnSlurm, gridStatus, cancelGrid, gridFolder, type GridStatus } from './experiments/slurm-grid';
export { gridTime, type GridTime, type GridTimeRow } from './experiments/grid-time';
export { expectedBestOfK, expectedBestCurve, expectedReportOfBest } from './analysis/order-statistics';
export { wilcoxonSignedRank, minimumDetectableDifference, type WilcoxonResult } from './analysis/wilcoxon';
export { traversalAccuracy, type TraversalAccuracyRow } from './analysis/traversal-accuracy';
export { summarizeSearchRuns, bestSoFarBands, topKMean, type SearchConfigSummary } from './analysis/search-summary';
export { mannWhitneyU } from './analysis/mann-whitney';
export { searchDiagnostics, type DiagnosticsRow } from './analysis/search-diagnostics';
export { headToHead, describeHeadToHead, type HeadToHeadRow, type SeedBests } from './analysis/head-to-head';
export { traverseFactor, traverseFactors, factorConcepts, changedAttributes, TRAVERSAL_RANGE, TRAVERSAL_STEPS, type Attributes, type AttributeValue, type Traversal, type TraversalStep, type TraversalFunctions, type TraversalOptions, type FactorConcept } from './analysis/traversal';
export { mutualInformationGap, traversalPurity, activeFactors, MIG_BINS, MIG_MAX_CATEGORIES, ACTIVE_KL_THRESHOLD, ACTIVE_VARIANCE_THRESHOLD, type MigOptions, type MigResult, type MigAttributeScore, type TraversalPurity, type ActiveFactors } from './analysis/disentanglement';
export { spearman, kendallTau, averageRanks, factorCorrelations } from './analysis/correlation';
export { bestSoFarFigure, type CurveBand } from './report/figures/search';
export { cellGraphFigure, traversalStripFigure, cellDiff, OP_COLORS, HIGHLIGHT_COLOR, type LabelledDag, type CellDiff, type CellStrip } from './report/figures/cell-graph';
export { factorAccuracyFigure, factorCorrelationFigure, type FactorAccuracyOptions } from './report/figures/factor-accuracy';
export { edgeTraversalFigure, edgeStripOf, traversalAccuracyFigure, type EdgeStrip, type AccuracyAlongFactor } from './report/figures/edge-traversal';
export { scoreController, factorFor, controllerTraversalFunctions, type CellView, type ScoredCells, type ScoreOptions, type ControllerScoreRow, type ControllerScores, type FactorChoice } from './analysis/controller-scores';
export { regionAccuracy, type RegionAccuracy } from './analysis/region-accuracy';
export { NASBENCH101_CELL_VIEW, nasbench201CellView } from './experiments/cell-views';
export { trainedController, controllerKey, controllerKeyConfig, controllerCacheRoot, NASBENCH101_GRAMMAR, INTERPRETABILITY_SCHEDULES, TRAINED_CONTROLLER_DEFAULTS, type TrainedController, type TrainedControllerOptions, type LabelledCells } from './experiments/trained-controller';
export { metricsVsBetaFigure, type SweepMetric } from './report/figures/beta-sweep';
export { pretrainedLatentSpace, heldOutSplit, BETA_SWEEP_STEPS, PRETRAIN_PRESETS, PRETRAIN_SPACES, type PretrainedLatent, type PretrainedLatentOptions, type PretrainPreset, type PretrainSpace } from './experiments/pretrained-latent';
export { pretrainedLatentSpaces } from './experiments/latent-pool';
export { searchLatentModel, pretrainSpaceOf, type SearchLatentModelOptions } from './experiments/search-latent-model';
export { latentSweep, BETA_VAE_VARIANT, SWEEP_SCORE_KEYS, type LatentSweep, type LatentSweepOptions, type SweepModel } from './experiments/latent-sweep';
export { scoreLatentSpace, type LatentScores, type LatentScoreOptions, type AttributeGap } from './experiments/latent-scores';
export { summariseSweep, attributeGapTable, attributeGapColumns, sweepVerdict, type SweepRun, type SweepRow, type SweepVerdict } from './analysis/beta-sweep';
export { latentSpread } from './analysis/latent-spread';

// VAENAS samplers (VAENAS §3, Algorithms 1–2), Table 4 / Fig 2 experiments and figure
export { samplerStream, excludingKeys, sampleDistinct, STREAM_BATCH, type CellSampler, type SamplerDraws, type SamplerStream, type StreamDraw, type SampleDistinctOptions, type DistinctSample } from './samplers/sampler';
export { uniformSampler } from './samplers/uniform';
export { mixtureSampler, type MixtureSampler, type MixtureOptions } from './samplers/mixture';
export { selectTopFraction, trainVae, vaeSampler, vaeControllerOptions, trainVaeSampler, VAENAS_SELECTION, VAENAS_NOISE_LEVELS, VAE_SAMPLER_CONTROLLER, VAE_SAMPLER_SCHEDULE, type TopSelection, type TrainVaeOptions, type VaeSampler, type TrainVaeSamplerOptions, type TrainedVaeSampler } from './samplers/vae';
export { loadVaenasProblem, VAENAS_SCHEDULES, tableLookup, drawEvaluatedSet, cachedVaeSampler, maxOfK, maxOfKSeeds, maxOfKRows, comparisonRows, samplingCost, sampledAccuracies, evolutionRuns, VAENAS_TABLE4_PAPER, MAX_OF_K_DRAWS, type EvaluatedSet, type TableLookup, type CachedVaeSampler, type CachedVaeSamplerOptions, type MaxOfKRun, type MaxOfKRow, type ComparisonRow, type SamplingCost, type SampledAccuracies } from './experiments/vaenas';
export { samplingDistributionFigure, type DistributionTrace, type DistributionPanel } from './report/figures/vaenas';

// Weight-sharing supernet on real images (issue 6): space, cost, training, evaluation, data, experiments
export { LayerChoiceSpace, BLOCKS, FASHION_MNIST_SPACE, CIFAR10_SPACE, SMOKE_SPACE, layerShapes, type Architecture, type Block, type SupernetSpaceConfig, type LayerShape } from './supernet/space';
export { layerCost, fixedCost, architectureCost } from './supernet/cost';
export { Supernet } from './supernet/supernet';
export { trainSupernet, type TrainOptions as SupernetTrainOptions, type TrainReport as SupernetTrainReport } from './supernet/train';
export { evaluateSubnet, recalibrate, type EvaluationData } from './supernet/evaluate';
export { SubnetEvaluator, oneShotBenchmark, type OneShotRecord } from './supernet/oneshot-benchmark';
export { registerWasmConvGradients } from './supernet/wasm-conv-gradients';
export { conv2dFast } from './supernet/fast-conv';
export { Nb201Supernet, NB201_BENCHMARK_NETWORK, nb201WeightShapes, type Nb201SupernetConfig } from './supernet/nb201-supernet';
export type { WeightSharingNet } from './supernet/weight-sharing';
export { NB201_ONESHOT_SCHEDULES, nb201RankingCells, nb201SetRanking, inheritedAccuracies, type Nb201OneShotSchedule, type Nb201RankingCells, type Nb201SetRanking } from './experiments/nb201-oneshot';
export { NB201_TABLE2_SCHEDULES, NB201_FLOPS_FIGURE_SCHEDULES, nb201FlopsBands, bandTruth, bandRankingCells, tablePick, type Nb201Table2Schedule, type Nb201FlopsFigureSchedule, type BandTruth, type TablePick } from './experiments/nb201-flops';
export { rankingQuality, rankingQualityRow, topKPrecision, pairedTauDifference, formatEstimate, type RankingQuality, type RankingQualityOptions, type Estimate, type TopKPrecision, type PairedTauDifference } from './analysis/ranking-quality';
export { loadFashionMnist, loadCifar10, splitValidation, firstN, downsample, type ImageDataset } from './supernet/data/index';
export { SUPERNET_SCHEDULES, loadImageSplits, trainedSupernet, searchEvaluationData, supernetEvaluator, trainStandalone, spaceFor, createNet, isNb201Config, type SupernetConfig, type NetOf, type ImageSplits, type SupernetSchedule, type SupernetSampling, type TrainedSupernet, type StandaloneResult, type StandaloneOptions, type ImageSplitsSource } from './experiments/supernet';
export { supernetJob, evaluateJob, standaloneJob, searchJob, gradientJob, describeJob, type SupernetSettings, type SupernetJob, type EvaluateJob, type StandaloneJob, type SearchJob, type GradientJob, type SupernetPoolJob, type EvaluationSizes } from './experiments/supernet-jobs';
export { gradientRun, gradientRunKey, type GradientRunSettings, type GradientRun } from './experiments/gradient-runs';
export { TABLE5_SCHEDULES, TABLE5_METHODS, VAENAS_TABLE5_CIFAR10, judgeTable5Pick, table5GradientSettings, oneShotSupernetSettings, oneShotPicks, table5Summary, type Table5Schedule, type Table5Method, type Table5Pick, type Table5Row, type OneShotPick } from './experiments/table5';
export { runSupernetJobs, evaluateOnPool, type SupernetPoolOptions } from './experiments/supernet-pool';
export { finalVaeSampler, architectureOfKey, rankingSet, evolutionSizes, oneShotEvolution, rankAgreement, tauDifference, rankingScatterFigure, rankingVerdict, type VaenasSampling, type FinalVae, type FinalVaeRound, type FinalVaeOptions, type RankingSetOptions, type OneShotEvolutionOptions, type RankAgreement, type TauDifference, type RankingPoint } from './experiments/vaenas-oneshot';
export { flopsBands, flopsBandsOf, inBand, bandLimit, oneShotSearchRuns, flopsLimitedAlgorithm, TABLE2_METHODS, DNAS_IMAGENET_LOSS_WEIGHTS, type FlopsBand, type OneShotRuns, type Table2Method } from './experiments/flops-bands';
export { FLOPS_FIGURE_SCHEDULES, PAPER_TOLERANCE_FRACTION, labelledSubnets, labelledDraw, factorStudy, regionDraws, flopsLimitGrid, limitedSearchRuns, fig6Limit, limitedRunsOf, limitRows, methodsAcrossLimits, type FlopsFigureSchedule, type LabelledSubnets, type FactorStudy, type FactorStudyOptions, type RegionDraws, type FlopsLimitPoint, type LimitedRuns, type LimitedSearchOptions, type LimitRow, type MethodAcrossLimits } from './experiments/fig5-fig6';
export { architectureDistributionFigure, type ArchitectureDistributionInput } from './report/figures/architecture-distribution';
export { factorFlopsFigure, flopsLimitFigure, type FactorFlopsInput, type RegionSamples, type LimitSeries, type FlopsLimitFigureOptions } from './report/figures/flops';
