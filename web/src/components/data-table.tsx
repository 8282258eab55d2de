import type { ReactNode } from 'react';

/**
 * A table that scrolls sideways on a narrow screen, with a header row of column titles. `actions`
 * adds a last column for the rows' buttons, titled for screen readers only.
 */
export function DataTable({ label, columns, actions, children }: { label?: string; columns: string[]; actions?: string; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table aria-label={label}>
        <thead>
          <tr>
            {columns.map((title) => (
              <th key={title} scope="col">
                {title}
              </th>
            ))}
            {actions !== undefined && (
              <th scope="col">
                <span className="visually-hidden">{actions}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
