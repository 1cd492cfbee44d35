/** A learning-rate schedule maps the epoch index (0-based) to a learning rate. */
export type Schedule = (epoch: number) => number;

export const constantLR = (lr: number): Schedule => () => lr;

/** Multiply by gamma every stepSize epochs (torch StepLR). */
export const stepLR = (lr: number, stepSize: number, gamma = 0.1): Schedule =>
  (epoch) => lr * Math.pow(gamma, Math.floor(epoch / stepSize));

/** Multiply by gamma every epoch (torch ExponentialLR). */
export const exponentialLR = (lr: number, gamma: number): Schedule => (epoch) => lr * Math.pow(gamma, epoch);

/** Cosine annealing from lr to minLr over tMax epochs (torch CosineAnnealingLR, no restarts). */
export const cosineLR = (lr: number, tMax: number, minLr = 0): Schedule =>
  (epoch) => minLr + ((lr - minLr) * (1 + Math.cos((Math.PI * Math.min(epoch, tMax)) / tMax))) / 2;

/** Linear warm-up over `epochs` epochs, then the given schedule. */
export const warmup = (epochs: number, then: Schedule): Schedule =>
  (epoch) => (epoch < epochs ? (then(0) * (epoch + 1)) / (epochs + 1) : then(epoch));
