import { navigate } from '../../app/router';
import { useI18n } from '../../i18n';
import { AccountLayout } from '../account/AccountLayout';
import { SetupFlow } from './SetupFlow';

export function SetupScreen() {
  const { t } = useI18n();
  const back = () => navigate('/account/two-factor');
  return (
    <AccountLayout current="/account/two-factor">
      <h2>{t.setup.title}</h2>
      <SetupFlow onCancel={back} onFinished={back} />
    </AccountLayout>
  );
}
