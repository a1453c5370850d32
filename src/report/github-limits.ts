// Limits GitHub enforces on what the action sends it. Pure constants, so the renderers (src/report/) and the
// API layer (src/github/) enforce the same numbers. Each cites where GitHub documents it.

/**
 * "The Checks API limits the number of annotations to a maximum of 50 per API request. To create more than 50
 * annotations, you have to make multiple requests to the Update a check run endpoint." (REST API, Create a
 * check run, `output.annotations`; `maxItems: 50` in GitHub's OpenAPI description.)
 */
export const ANNOTATIONS_PER_REQUEST = 50

/** "The title that represents the annotation. The maximum size is 255 characters." (Create a check run.) */
export const ANNOTATION_TITLE_MAX_CHARS = 255

/** "A short description of the feedback for these lines of code. The maximum size is 64 KB." (Same page.) */
export const ANNOTATION_MESSAGE_MAX_BYTES = 64 * 1024

/** "Details about this annotation. The maximum size is 64 KB." (`raw_details`, same page.) */
export const ANNOTATION_RAW_DETAILS_MAX_BYTES = 64 * 1024

/**
 * "The summary of the check run. This parameter supports Markdown. Maximum length: 65535 characters." The same
 * for `output.text`. Budgeted in UTF-8 bytes, which are never fewer than characters, so the budget always holds.
 */
export const CHECK_RUN_SUMMARY_MAX_BYTES = 65_535
export const CHECK_RUN_TEXT_MAX_BYTES = 65_535

/**
 * Workflow-command annotations (`::error file=…`): "10 warning annotations, 10 error annotations, and 10 notice
 * annotations per step; 50 annotations per job" (actions/toolkit docs/problem-matchers.md, "Limitations").
 * Beyond them GitHub drops annotations silently, first come first kept.
 */
export const WORKFLOW_ANNOTATIONS_PER_KIND = 10

/** "per_page: The number of results per page (max 100)." (REST API, List issue comments.) */
export const COMMENTS_PER_PAGE = 100

/** "per_page: The number of results per page (max 100)." (REST API, List check runs for a Git reference.) */
export const CHECK_RUNS_PER_PAGE = 100
