/**
 * The three parts of `natural` AguaVoz uses, each required from its own file. The folder
 * indexes (`natural/lib/natural/stemmers`, `…/classifiers`) load every stemmer and classifier
 * the library has, about half a second of the service's start-up (issue 11: start-up under 1 s);
 * the types still come from those indexes' declarations.
 */
import type * as Classifiers from 'natural/lib/natural/classifiers';
import type * as Distance from 'natural/lib/natural/distance';
import type * as Stemmers from 'natural/lib/natural/stemmers';

export const PorterStemmerEs: typeof Stemmers.PorterStemmerEs = require('natural/lib/natural/stemmers/porter_stemmer_es');
export const BayesClassifier: typeof Classifiers.BayesClassifier = require('natural/lib/natural/classifiers/bayes_classifier');
export type BayesClassifier = Classifiers.BayesClassifier;
export const JaroWinklerDistance: typeof Distance.JaroWinklerDistance = require('natural/lib/natural/distance/jaro-winkler_distance');
