/**
 * rnnkit/notebook: figures and training views for Jupyter notebooks on the tslab kernel
 * (`npx rnnkit notebook-setup` registers one that resolves rnnkit from any folder).
 */
export { show, figureOutput, PLOTLY_MIME, type Figure, type FigureOutput, type ShowOptions } from './figure';
export {
  historyFigure, gradientNormsFigure, waveformFigure, mfccFigure, ctcPosteriorsFigure, attentionFigure, forecastFigure, byDimension,
  showHistory, showGradientNorms, showWaveform, showMfcc, showCtcPosteriors, showAttention, showForecast, type Series,
} from './views';
export { summary, summaryHtml, layerRows, type LayerRow } from './summary';
export { liveTraining, LiveTraining, type LiveTrainingOptions } from './live-training';
export { report, RESULTS_MIME, type ResultValue } from './report';
export { displayBundle, updateDisplay, newDisplayId, inNotebook, type MimeBundle } from './display';
export { findChromium } from './chromium';
