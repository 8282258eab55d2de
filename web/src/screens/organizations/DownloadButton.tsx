import { download } from '../../api/client';
import { ErrorText, useAction } from '../../components/forms';

/** A button that downloads one of the organization's export files (streamed by the server). */
export function DownloadButton({ label, path, filename, operation }: { label: string; path: string; filename: string; operation: string }) {
  const action = useAction(() => download(path, filename, operation));
  return (
    <div className="actions">
      <button type="button" disabled={action.busy} onClick={() => void action.run()}>
        {label}
      </button>
      <ErrorText error={action.error} />
    </div>
  );
}
