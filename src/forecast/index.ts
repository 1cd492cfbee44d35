export { rmse, mae, mape, smape } from './metrics';
export { seasonalNaive, seasonalNaiveWithDrift } from './baselines';
export { standardScaler, minMaxScaler, type Scaler } from './scalers';
export { makeWindows, anchoredScale, type WindowSpec } from './windows';
export { WindowForecaster, type ForecasterSpec, type ForecasterFitOptions } from './forecaster';
export { rollingOrigin, type RollingResult } from './evaluate';
export { monthlySeries, type MonthlySeries } from './calendar';
