/** The English word list (~275k lower-case words), loaded on the first call. */
export declare function englishWords(): readonly string[]
