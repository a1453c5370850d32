// The JSON Schema of the config, as a TypeScript literal so it is bundled with the code. The same object is
// written to dataset-guard.schema.json at the repository root for editors; a test keeps the two equal.

export const configSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://raw.githubusercontent.com/dataset-guard/dataset-guard/main/dataset-guard.schema.json',
  title: 'dataset-guard configuration',
  description:
    'Configuration of dataset-guard (.github/dataset-guard.yml): which files form which dataset, how to read them, and the thresholds of the pull-request gate. Every key is optional.',
  type: 'object',
  additionalProperties: false,
  properties: {
    datasets: {
      description:
        'Named datasets, each a set of files. Without this key every changed data file is a dataset of its own.',
      type: 'array',
      items: {
        $ref: '#/definitions/dataset'
      }
    },
    defaults: {
      description:
        'Fields and provenance rules for datasets that do not set their own, including the datasets found without configuration.',
      type: 'object',
      additionalProperties: false,
      properties: {
        fields: {
          $ref: '#/definitions/fields',
          description: 'Field paths used by datasets without their own `fields`.'
        },
        provenance: {
          $ref: '#/definitions/provenance',
          description: 'Provenance rules used by datasets without their own `provenance`.'
        }
      }
    },
    thresholds: {
      $ref: '#/definitions/thresholds',
      description: "Gate thresholds for every dataset; a dataset's own `thresholds` override them key by key."
    },
    patterns: {
      description:
        'Parameters of the near-duplicate pattern detection. The defaults suit short prompts; change them only with a measurement.',
      type: 'object',
      additionalProperties: false,
      properties: {
        'shingle-size': {
          description: "Word n-gram size of the MinHash shingles over a row's template tokens.",
          type: 'integer',
          minimum: 1,
          default: 3
        },
        jaccard: {
          description:
            'Jaccard similarity of the shingle sets at or above which two template keys count as one pattern.',
          type: 'number',
          exclusiveMinimum: 0,
          maximum: 1,
          default: 0.5
        },
        bands: {
          description: 'Number of LSH bands: more bands find more candidate pairs at lower similarity.',
          type: 'integer',
          minimum: 1,
          default: 32
        },
        'rows-per-band': {
          description: 'MinHash values per LSH band: more rows per band make candidates stricter.',
          type: 'integer',
          minimum: 1,
          default: 4
        },
        seed: {
          description:
            'Seed of the MinHash functions (a 32-bit unsigned integer), fixed so that the same data gives the same numbers on every run.',
          type: 'integer',
          minimum: 0,
          maximum: 4294967295,
          default: 1
        }
      }
    },
    'eval-sets': {
      description:
        'Evaluation or test sets in the repository, read at the head commit. Added training rows whose input repeats an eval row (exactly, after normalisation, or nearly) are reported as leaks.',
      type: 'array',
      items: {
        $ref: '#/definitions/evalSet'
      }
    },
    realism: {
      description:
        'The realism report: how far the synthetic rows are from the real ones (typos, terse inputs, refusals, politeness, length), and how far the added rows are from the rows already there.',
      type: 'object',
      additionalProperties: false,
      properties: {
        'sample-size': {
          description:
            'Rows sampled per side of each comparison (a deterministic sample by content hash); 0 switches the realism report off.',
          type: 'integer',
          minimum: 0,
          maximum: 20000,
          default: 5000
        },
        reference: {
          $ref: '#/definitions/referenceSet',
          description:
            'Real rows in the repository (for example real user prompts), read at the head commit, that the synthetic rows of a dataset without real rows are compared with.'
        }
      }
    }
  },
  definitions: {
    dataset: {
      description: 'A dataset: the files its globs match, read and measured together.',
      type: 'object',
      additionalProperties: false,
      required: ['name', 'paths'],
      properties: {
        name: {
          description: 'A unique name, used in the report and in check messages.',
          type: 'string',
          minLength: 1
        },
        paths: {
          $ref: '#/definitions/globs',
          description: 'Globs, relative to the repository root, of the files that make up the dataset.'
        },
        format: {
          description: "File format; by default it is taken from each file's extension.",
          enum: ['jsonl', 'json', 'csv', 'tsv', 'parquet']
        },
        fields: {
          $ref: '#/definitions/fields',
          description: 'Field paths of the input and output texts; by default common layouts are recognised.'
        },
        provenance: {
          $ref: '#/definitions/provenance',
          description: 'How to tell real rows from synthetic ones in this dataset.'
        },
        thresholds: {
          $ref: '#/definitions/thresholds',
          description: 'Thresholds for this dataset only, over the top-level ones.'
        }
      }
    },
    evalSet: {
      description: 'An evaluation set: the files its globs match at the head commit.',
      type: 'object',
      additionalProperties: false,
      required: ['name', 'paths'],
      properties: {
        name: {
          description: 'A unique name, used in the report.',
          type: 'string',
          minLength: 1
        },
        paths: {
          $ref: '#/definitions/globs',
          description: 'Globs, relative to the repository root, of the eval set files.'
        },
        format: {
          description: "File format; by default it is taken from each file's extension.",
          enum: ['jsonl', 'json', 'csv', 'tsv', 'parquet']
        },
        fields: {
          $ref: '#/definitions/fields',
          description:
            'Field paths of the eval rows; their input side is compared with the input side of added training rows.'
        }
      }
    },
    referenceSet: {
      description: 'A set of real rows: the files its globs match at the head commit.',
      type: 'object',
      additionalProperties: false,
      required: ['paths'],
      properties: {
        name: {
          description: 'A name for the report; `reference` unless set.',
          type: 'string',
          minLength: 1
        },
        paths: {
          $ref: '#/definitions/globs',
          description: 'Globs, relative to the repository root, of the reference files.'
        },
        format: {
          description: "File format; by default it is taken from each file's extension.",
          enum: ['jsonl', 'json', 'csv', 'tsv', 'parquet']
        },
        fields: {
          $ref: '#/definitions/fields',
          description: 'Field paths of the reference rows; by default common layouts are recognised.'
        }
      }
    },
    glob: {
      description:
        'A glob relative to the repository root, such as `data/sft/**/*.jsonl`; it must not start with `/` or `~` or contain `..`.',
      type: 'string',
      minLength: 1
    },
    globs: {
      description: 'A list of globs relative to the repository root.',
      type: 'array',
      minItems: 1,
      items: {
        $ref: '#/definitions/glob'
      }
    },
    fieldPaths: {
      description:
        'Field paths into a record, such as `prompt`, `meta.source` or `messages`; several are joined with a blank line.',
      type: 'array',
      minItems: 1,
      items: {
        type: 'string',
        minLength: 1
      }
    },
    fields: {
      description: 'Which fields of a record hold its texts.',
      type: 'object',
      additionalProperties: false,
      properties: {
        input: {
          $ref: '#/definitions/fieldPaths',
          description:
            'Fields whose text forms the input side (prompt, instruction, question, user turns); patterns are measured on it.'
        },
        output: {
          $ref: '#/definitions/fieldPaths',
          description: 'Fields whose text forms the output side (response, answer, assistant turns).'
        }
      }
    },
    provenanceValue: {
      description:
        'Where rows come from: `real` (written or collected from people), `synthetic` (generated) or `unknown`.',
      enum: ['real', 'synthetic', 'unknown']
    },
    provenance: {
      description:
        'How to tell real rows from synthetic ones. A row field is checked first, then the path globs, then the default.',
      type: 'object',
      additionalProperties: false,
      properties: {
        field: {
          description:
            'A record field that says where a row came from, such as `source`, `meta.origin` or `is_synthetic`.',
          type: 'string',
          minLength: 1
        },
        values: {
          description:
            "Maps the field's values (compared in lower case; booleans as `true` and `false`) to real, synthetic or unknown.",
          type: 'object',
          additionalProperties: {
            $ref: '#/definitions/provenanceValue'
          }
        },
        paths: {
          description: 'Globs of files that are wholly real or wholly synthetic.',
          type: 'object',
          additionalProperties: false,
          properties: {
            real: {
              $ref: '#/definitions/globs',
              description: 'Globs of files whose rows are all real.'
            },
            synthetic: {
              $ref: '#/definitions/globs',
              description: 'Globs of files whose rows are all synthetic.'
            }
          }
        },
        default: {
          $ref: '#/definitions/provenanceValue',
          description: 'Provenance of rows that nothing else classifies; `unknown` unless set.'
        }
      }
    },
    ratioThreshold: {
      description:
        "A threshold between 0 and 1: a bare number keeps the rule's default level; `{value, level}` sets the level; `off`, false or null switches the rule off.",
      anyOf: [
        {
          type: 'number',
          minimum: 0,
          maximum: 1
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['value'],
          properties: {
            value: {
              description: 'The threshold, between 0 and 1.',
              type: 'number',
              minimum: 0,
              maximum: 1
            },
            level: {
              description:
                "`fail` blocks the pull request; `warn` only reports. Defaults to the rule's own level.",
              enum: ['fail', 'warn']
            }
          }
        },
        {
          enum: ['off', false, null]
        }
      ]
    },
    countThreshold: {
      description:
        "A threshold that counts rows: a bare number keeps the rule's default level; `{value, level}` sets the level; `off`, false or null switches the rule off.",
      anyOf: [
        {
          type: 'integer',
          minimum: 0
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['value'],
          properties: {
            value: {
              description: 'The threshold, a count of rows.',
              type: 'integer',
              minimum: 0
            },
            level: {
              description:
                "`fail` blocks the pull request; `warn` only reports. Defaults to the rule's own level.",
              enum: ['fail', 'warn']
            }
          }
        },
        {
          enum: ['off', false, null]
        }
      ]
    },
    thresholds: {
      description: 'Gate thresholds. Each rule takes a number, `{value, level}`, or `off`.',
      type: 'object',
      additionalProperties: false,
      properties: {
        'min-unique-pattern-ratio': {
          $ref: '#/definitions/ratioThreshold',
          description:
            'Lowest allowed unique-pattern ratio (distinct patterns / rows) of the dataset at head. Human-written prompt sets score 0.99-1.00, templated synthetic sets 0.004-0.07.',
          default: 0.5
        },
        'max-unique-pattern-ratio-drop': {
          $ref: '#/definitions/ratioThreshold',
          description: 'Largest allowed fall of the unique-pattern ratio from base to head.',
          default: 0.1
        },
        'min-novel-pattern-ratio': {
          $ref: '#/definitions/ratioThreshold',
          description:
            'Lowest allowed share of added rows that start a pattern the base did not have (new patterns / added rows).',
          default: 0.3
        },
        'max-duplicate-share': {
          $ref: '#/definitions/ratioThreshold',
          description: 'Largest allowed share of added rows whose input already exists in the base dataset.',
          default: 0.1
        },
        'min-real-fraction': {
          $ref: '#/definitions/ratioThreshold',
          description: 'Lowest allowed share of real rows among the rows of known provenance at head.',
          default: 0.7
        },
        'max-unknown-fraction': {
          $ref: '#/definitions/ratioThreshold',
          description:
            'Largest allowed share of rows at head whose provenance is unknown. A warning by default.',
          default: 0.5
        },
        'max-invalid-rows': {
          $ref: '#/definitions/countThreshold',
          description: 'Largest allowed number of rows at head that cannot be parsed.',
          default: 0
        },
        'max-eval-leaks': {
          $ref: '#/definitions/countThreshold',
          description:
            'Largest allowed number of added rows whose input equals a row of an eval set, exactly or after normalisation (case, white space, Unicode form). Applies only when `eval-sets` are configured.',
          default: 0
        },
        'max-eval-near-duplicates': {
          $ref: '#/definitions/countThreshold',
          description:
            'Largest allowed number of added rows whose template nearly repeats an eval row (near-duplicates by the `patterns` settings). Off by default; a warning when set.',
          default: 'off'
        },
        'max-separability': {
          $ref: '#/definitions/ratioThreshold',
          description:
            'Largest allowed separability of real and synthetic rows at head: the ROC-AUC of a simple classifier on the realism features (0.5: alike, 1: every row gives its side away). Synthetic against real user prompts measured 0.90-0.995. Off by default; a warning when set.',
          default: 'off'
        },
        'max-feature-divergence': {
          $ref: '#/definitions/ratioThreshold',
          description:
            'Largest allowed Jensen-Shannon divergence (base 2, 0 to 1) of any single realism feature between real and synthetic rows at head. Off by default; a warning when set.',
          default: 'off'
        },
        'min-added-rows': {
          description:
            'Below this many added rows, the ratios of the added rows and the drop of the unique-pattern ratio are reported but not enforced.',
          type: 'integer',
          minimum: 0,
          default: 20
        }
      }
    }
  }
} as const
