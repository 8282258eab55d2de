import type { StatementPiece } from '../database/statement';

/**
 * The write that spends a second factor once: a conditional UPDATE … RETURNING as one part of a
 * statement, whose rows are the rows it changed: one for the request that wins, none for the
 * others (a used code, a counter that moved). Run alone with runPieceAlone.
 */
export type SecondFactorSpend = StatementPiece;
