import type { ReactNode } from 'react';
import { DisableScreen } from '../screens/two-factor/DisableScreen';
import { MoveScreen } from '../screens/two-factor/MoveScreen';
import { DevicesTab } from '../screens/devices/DevicesTab';
import { EventsTab } from '../screens/security-events/EventsTab';
import { ForgotPasswordScreen } from '../screens/forgot-password/ForgotPasswordScreen';
import { AcceptInvitationScreen } from '../screens/invitations/AcceptInvitationScreen';
import { ForcedSetupScreen } from '../screens/forced-setup/ForcedSetupScreen';
import { OrganizationScreen } from '../screens/organizations/OrganizationScreen';
import { OrganizationsScreen } from '../screens/organizations/OrganizationsScreen';
import { PasswordTab } from '../screens/password/PasswordTab';
import { ReissueScreen } from '../screens/two-factor/ReissueScreen';
import { ResetPasswordScreen } from '../screens/reset-password/ResetPasswordScreen';
import { SecondStep } from '../screens/second-step/SecondStep';
import { SessionsTab } from '../screens/sessions/SessionsTab';
import { SignInReportScreen } from '../screens/sign-in-report/SignInReportScreen';
import { SetupScreen } from '../screens/two-factor/SetupScreen';
import { SignIn } from '../screens/sign-in/SignIn';
import { SignUp } from '../screens/sign-up/SignUp';
import { TwoFactorTab } from '../screens/two-factor/TwoFactorTab';
import type { Phase } from './session';

export interface Route {
  path: string;
  /**
   * The session phase the screen belongs to; any other phase is sent to its own start screen.
   * `any`: a screen a mailed link opens whatever the phase (the screen itself decides what to show).
   */
  phase: Exclude<Phase, 'loading'> | 'any';
  render(params: Record<string, string>): ReactNode;
}

/** Every screen of the console. A new screen is a folder under screens/ and one line here. */
export const ROUTES: Route[] = [
  { path: '/sign-in', phase: 'signedOut', render: () => <SignIn /> },
  { path: '/sign-up', phase: 'signedOut', render: () => <SignUp /> },
  { path: '/forgot-password', phase: 'signedOut', render: () => <ForgotPasswordScreen /> },
  { path: '/reset-password', phase: 'any', render: () => <ResetPasswordScreen /> },
  { path: '/invitations/accept', phase: 'any', render: () => <AcceptInvitationScreen /> },
  { path: '/sign-in-report', phase: 'any', render: () => <SignInReportScreen /> },
  { path: '/second-step', phase: 'secondFactor', render: () => <SecondStep /> },
  { path: '/forced-setup', phase: 'forcedSetup', render: () => <ForcedSetupScreen /> },
  { path: '/account/two-factor', phase: 'signedIn', render: () => <TwoFactorTab /> },
  { path: '/account/two-factor/setup', phase: 'signedIn', render: () => <SetupScreen /> },
  { path: '/account/two-factor/reissue', phase: 'signedIn', render: () => <ReissueScreen /> },
  { path: '/account/two-factor/disable', phase: 'signedIn', render: () => <DisableScreen /> },
  { path: '/account/two-factor/move', phase: 'signedIn', render: () => <MoveScreen /> },
  { path: '/account/devices', phase: 'signedIn', render: () => <DevicesTab /> },
  { path: '/account/password', phase: 'signedIn', render: () => <PasswordTab /> },
  { path: '/account/sessions', phase: 'signedIn', render: () => <SessionsTab /> },
  { path: '/account/events', phase: 'signedIn', render: () => <EventsTab /> },
  { path: '/organizations', phase: 'signedIn', render: () => <OrganizationsScreen /> },
  { path: '/organizations/:id/:tab', phase: 'signedIn', render: ({ id, tab }) => <OrganizationScreen key={id} id={id!} tab={tab!} /> },
];

/** Where each phase starts. */
export const START_OF_PHASE: Record<Exclude<Phase, 'loading'>, string> = {
  signedOut: '/sign-in',
  secondFactor: '/second-step',
  forcedSetup: '/forced-setup',
  signedIn: '/account/two-factor',
};
